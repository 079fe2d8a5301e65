"""Oversight of the county's work: 民意观察员, 三评, the 执法自我纠错台账 and the 行政复议便民联系点
(docs/mediators.md)."""
