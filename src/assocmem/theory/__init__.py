"""The paper's mathematics (Sections 3-5, Appendices B-D), in numpy, scipy and mpmath only:
LogSumExp, the energies, the layered structure and MM, the partition function, the cross-entropy
models of Eq. 1 and Prop. 4, binary storage capacities, and the stress inputs that check them.
Importing it never imports torch."""
