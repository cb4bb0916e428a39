"""Evaluation and inference: execution accuracy (greedy, maj@K, pass@K), reports, inference.

    from sqlrl.config import EvalConfig
    from sqlrl.eval import evaluate, score_predictions
    summary = evaluate(model, tokenizer, rows, EvalConfig(decode="maj@4"), template="plain", mode="bird")
    summary = evaluate(model, tokenizer, rows, decode="greedy", batch_size=8)   # EvalConfig fields as keywords

Nothing here imports torch at import time (the CLI must start fast); generation imports it.
"""

from sqlrl.eval.evaluate import evaluate, parse_decode, score_predictions
from sqlrl.eval.score import ex_line, judge, pass_at_k, summarize

__all__ = ["evaluate", "score_predictions", "parse_decode", "ex_line", "judge", "pass_at_k", "summarize"]
