"""agreement_builder: strategic cooperation agreements from a workbook."""

__version__ = "0.1.0"
