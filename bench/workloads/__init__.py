"""Every workload module, imported here so that it registers itself; add new ones below."""

from bench.workloads import (
    catalog_import,
    catalog_page_open,
    catalog_search,
    cold_start,
    package_batch,
    package_export,
    package_import,
    pdf_floor,
    pdf_linear,
    pdf_small,
    posting_matrix,
    posting_reminders,
    posting_search,
    roster_import,
    roster_memory,
    roster_open,
)

MODULES = (
    cold_start,
    catalog_page_open,
    catalog_search,
    catalog_import,
    roster_import,
    roster_open,
    roster_memory,
    pdf_linear,
    pdf_floor,
    pdf_small,
    posting_search,
    posting_reminders,
    posting_matrix,
    package_export,
    package_import,
    package_batch,
)
