"""The repository checks (VH501-VH504): will the execution find the files its
commands and endpoints need?  Runs after the offline analysis, for files on
disk; see stage.py."""
