"""What changed between two versions of a workbook: the comparison and its reports."""
