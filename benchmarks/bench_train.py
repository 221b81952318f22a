"""Benchmark (run by hand, not by `make test`): CPU training throughput of the project's
OpenELM-style model against `transformers`' LlamaForCausalLM at an identical configuration
(RMSNorm, SwiGLU, RoPE, grouped-query attention; uniform layers, same vocabulary, width, depth,
heads, FFN width, batch and context). QK-norm is switched off in ours, since Llama has none, so
that the parameter counts are equal (printed).

    .venv/bin/python benchmarks/bench_train.py [--compile]

Last line: `ratio <ours/transformers>` (tokens/s, forward + backward + AdamW step, float32).
"""

import argparse
import time
import warnings

import torch

from assocmem.training.openelm import OpenELM, OpenELMConfig, SwiGLU


def tokens_per_second(model, batch, context, vocab, steps, warmup, compiled):
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    step_model = torch.compile(model) if compiled else model
    data = torch.randint(0, vocab, (steps + warmup, batch, context + 1),
                         generator=torch.Generator().manual_seed(0))

    def step(tokens):
        out = step_model(tokens[:, :-1])
        logits = out.logits if hasattr(out, "logits") else out
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for i in range(warmup):
        step(data[i])
    start = time.perf_counter()
    for i in range(warmup, warmup + steps):
        step(data[i])
    return steps * batch * context / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--kv-heads", type=int, default=2)
    parser.add_argument("--ffn", type=int, default=768)
    parser.add_argument("--vocab", type=int, default=8192)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--context", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args()
    head_dim = args.dim // args.heads
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from transformers import LlamaConfig, LlamaForCausalLM

    cfg = OpenELMConfig(model_dim=args.dim, n_layers=args.layers, head_dim=head_dim,
                        vocab_size=args.vocab, max_context=args.context,
                        query_heads_override=(args.heads,) * args.layers,
                        kv_heads_override=(args.kv_heads,) * args.layers)
    ours = OpenELM(cfg, dropout=0.0)
    ours.blocks.apply(_drop_qk_norm)
    for block in ours.blocks:  # uniform FFN width, as in Llama
        block.ffn = SwiGLU(args.dim, args.ffn)
    llama = LlamaForCausalLM(LlamaConfig(
        vocab_size=args.vocab, hidden_size=args.dim, intermediate_size=args.ffn,
        num_hidden_layers=args.layers, num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads, max_position_embeddings=args.context,
        tie_word_embeddings=True, attention_bias=False, mlp_bias=False,
        attn_implementation="sdpa"))
    n_ours = sum(p.numel() for p in ours.parameters())
    n_llama = sum(p.numel() for p in llama.parameters())
    print(f"parameters: ours {n_ours:,}, LlamaForCausalLM {n_llama:,}; threads "
          f"{torch.get_num_threads()}; batch {args.batch} x context {args.context}")
    results = {"ours": 0.0, "transformers": 0.0}
    for _ in range(args.rounds):  # alternate, keep each model's best round
        for name, model in (("ours", ours), ("transformers", llama)):
            rate = tokens_per_second(model, args.batch, args.context, args.vocab, args.steps, 2,
                                     args.compile)
            results[name] = max(results[name], rate)
    for name, rate in results.items():
        print(f"{name:13s} {rate:,.0f} tokens/s{' (compiled)' if args.compile else ''}")
    print(f"ratio {results['ours'] / results['transformers']:.3f}")


def _drop_qk_norm(module):
    if hasattr(module, "q_norm"):
        module.q_norm = torch.nn.Identity()
        module.k_norm = torch.nn.Identity()


if __name__ == "__main__":
    main()
