"""Benchmark harness for gkdesk: workload time against a floor measured in the same run."""
