"""Drivers that the tests and ``bench/reliability.py`` share: the kill matrix (``killer``), the
model-fault matrix (``faults``), the bad-input table (``bad_inputs``), process inspection
(``processes``) and the hostile-program corpus runner (``corpus``). They are not part of the
installed package; pytest finds them through ``pythonpath = ["tests"]``."""
