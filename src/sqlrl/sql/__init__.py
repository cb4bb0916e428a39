"""The SQL sandbox and result comparison: the judge every reward and metric uses.

    from sqlrl.sql import Sandbox, results_match
    with Sandbox(workers=2, timeout=5.0) as sb:
        r = sb.run("concert_singer.sqlite", "SELECT count(*) FROM singer")
        v = sb.compare("concert_singer.sqlite", gold_sql, pred_sql, mode="bird")

See docs/sql.md for the comparison modes, float and NULL handling, and error classes.
"""

from sqlrl.sql.compare import MODES, has_order_by, results_match
from sqlrl.sql.dbfile import sqlite_file_problem
from sqlrl.sql.executor import Sandbox, default_workers, get_sandbox
from sqlrl.sql.result import ERROR_TYPES, Result, Verdict
from sqlrl.sql.worker import DENIED_FUNCTIONS, READ_PRAGMAS, WRITE_WORDS, read_only_uri

__all__ = ["DENIED_FUNCTIONS", "ERROR_TYPES", "MODES", "READ_PRAGMAS", "Result", "Sandbox", "Verdict", "WRITE_WORDS",
           "default_workers", "get_sandbox", "has_order_by", "read_only_uri", "results_match", "sqlite_file_problem"]
