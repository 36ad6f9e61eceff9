"""The fuzz test's parts: the valid files of every format we read (cases), the ways a file goes wrong (mutations),
and the harness that imports each variant through the command line's entry and judges what it did (harness)."""
