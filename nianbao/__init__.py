"""nianbao (年报): read, check and generate 事业单位法人年度报告书 and social-assistance documents."""

from nianbao.model import Document, Fact, Finding, Record, Report, Source

__version__ = "0.1.0"
__all__ = ["Document", "Fact", "Finding", "Record", "Report", "Source", "__version__"]
