"""Major administrative decisions (重大行政决策): the project, its draft in versions, the five
steps and the gate, the public comment period, opinions answered one by one and the
participation report sealed into the decision's record. docs/decisions.md."""
