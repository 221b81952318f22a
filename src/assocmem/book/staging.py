"""The executed notebooks made into pages: progress bars dropped, a hidden Colab set-up cell
first, and a closing section with the chapter's measured run time and its re-run command.
"""

from __future__ import annotations

import re

_BAR = re.compile(r"\d+%\|.*\|.*(it/s|s/it|\?it/s)")


def without_progress_bars(notebook: dict) -> dict:
    """The notebook without the stderr outputs that only hold tqdm progress bars or blank lines
    (a fresh build prints them, a cached one does not; the page should read the same). Other
    stderr stays."""
    for cell in notebook.get("cells", []):
        kept = []
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            lines = [line for line in re.split(r"[\r\n]+", text) if line.strip()]
            if output.get("name") == "stderr" and all(_BAR.search(x) for x in lines):
                continue
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return notebook


_PARAM = re.compile(r"^(\w+)\s*=\s*(.+?)(?:\s+#\s*(.*))?$")


def rerun_section(notebook: dict, stem: str) -> str:
    """A closing section for a chapter: how long its executed run took (papermill's own record
    in the notebook's metadata, never typed) and the command that re-runs it with other values
    of its parameters, listed from its parameters cell."""
    params = []
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            params = [m.groups() for m in map(_PARAM.match, source.splitlines()) if m]
            break
    duration = notebook.get("metadata", {}).get("papermill", {}).get("duration")
    took = (f"This page was executed in {duration:,.0f} s by papermill when the book was built."
            if duration is not None else "This page's run time was not recorded.")
    example = next((f"-p {n} {v}" for n, v, _ in params if n == "preset"),
                   f"-p {params[0][0]} {params[0][1]}" if params else "")
    lines = ["## Re-run this chapter", "", took + " To run it again, with other parameters:",
             "", "```console", f"make run NB={stem} ARGS='{example}'", "```", ""]
    if params:
        lines += ["| parameter | default | meaning |", "|---|---|---|"]
        lines += [f"| `{n}` | `{v}` | {(c or '').replace('|', '/')} |" for n, v, c in params]
    return "\n".join(lines)


# The first cell of every published notebook: in Google Colab (and only there) it fetches the
# book's repository, installs its package and works in its notebooks/ folder, as `make run` does,
# so that a chapter opened from its Colab button runs. The page itself does not show it.
COLAB_SETUP = """\
# Set-up in Google Colab only (elsewhere this cell does nothing): fetch the book's
# repository, install its package and work in its notebooks/ folder, as `make` does.
import os
import subprocess
import sys

if "google.colab" in sys.modules and not os.path.isdir("/content/assocmem-book"):
    subprocess.run(["git", "clone", "-q", "--depth", "1", {url!r},
                    "/content/assocmem-book"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e",
                    "/content/assocmem-book"], check=True)
    sys.path.insert(0, "/content/assocmem-book/src")
    os.chdir("/content/assocmem-book/notebooks")
"""


def with_colab_setup(notebook: dict, repository_url: str) -> dict:
    """``notebook`` with :data:`COLAB_SETUP` as its first cell (tagged ``remove-cell``, so the
    page does not show it; the downloaded and launched notebook has it)."""
    if not re.match(r"^https://github\.com/[\w.-]+/[\w.-]+/?$", repository_url or ""):
        raise ValueError(f"_config.yml repository.url must be a GitHub repository URL; got "
                         f"{repository_url!r}")
    cell = {"cell_type": "code", "execution_count": None, "id": "colab-setup", "outputs": [],
            "metadata": {"tags": ["remove-cell"]},
            "source": COLAB_SETUP.format(url=repository_url.rstrip("/") + ".git")}
    notebook.setdefault("cells", []).insert(0, cell)
    return notebook
