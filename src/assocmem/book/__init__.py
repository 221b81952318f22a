"""The book's machinery: the claims ledger (:mod:`.claims`), the assembly of the book from the
executed notebooks (:mod:`.build`), the notebooks' dependency files (:mod:`.deps`), shared plot
helpers (:mod:`.plots`) and the environment lock (:mod:`.lock`)."""
