"""sxsh-flow: run a provincial multi-agency plan (tasks, reporting cycles, reminders, reports).

The distribution's folders (engine/, workflows/, agencies/, notifications/, cli/) are installed as
subpackages of this one, so their generic names cannot clash with other distributions.
"""

__version__ = "0.1.0"
