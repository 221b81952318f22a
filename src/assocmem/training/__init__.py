"""Training: the loop (:mod:`.loop`), the run cache (:mod:`.runs`), the two models
(:mod:`.vanilla`, :mod:`.openelm`), the tasks they learn (:mod:`.tasks`) and greedy decoding
(:mod:`.generation`); ``python -m assocmem.training`` trains an experiment's run."""
