"""Every workload module, imported here so that it registers itself; add new ones below."""

from bench.workloads import cold_start

MODULES = (cold_start,)
