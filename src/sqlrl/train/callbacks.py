"""Trainer callbacks: validation EX every N steps, and the reward layer's own counters.

Both add keys to the trainer's regular log record. They must run before the reporting
callbacks (TensorBoard, W&B) so those see the keys: `install` puts them first.
"""

from __future__ import annotations

from transformers import TrainerCallback

from sqlrl.config import RunConfig


class _LogExtras(TrainerCallback):
    """Base: `extras(state)` returns keys to add to the next log record."""

    def extras(self, state) -> dict:
        return {}

    def on_log(self, args, state, control, logs=None, **kwargs):
        extra = self.extras(state)
        if extra and logs is not None:
            logs.update(extra)
            if state.log_history:
                state.log_history[-1].update(extra)


class ValidationEX(_LogExtras):
    """EX on the validation split every `eval.every_steps` steps with the recipe's `eval` settings
    (greedy unless `eval.decode` says otherwise), logged as `eval/ex`."""

    def __init__(self, cfg: RunConfig, tokenizer):
        self.cfg, self.tokenizer, self.rows, self.pending = cfg, tokenizer, None, {}

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step % self.cfg.eval.every_steps or not state.is_world_process_zero:
            return
        from sqlrl.eval import evaluate
        from sqlrl.train.dataset import load_rows

        if self.rows is None:
            rows = load_rows(self.cfg, self.cfg.data.eval_split)
            self.rows = list(rows.select(range(min(self.cfg.eval.limit, len(rows))))) if self.cfg.eval.limit else list(rows)
        summary = evaluate(model, self.tokenizer, self.rows, self.cfg.eval, template=self.cfg.data.template,
                           mode=self.cfg.reward.mode, progress=False)
        self.pending = {"eval/ex": summary["ex"], "eval/executable": summary.get("executable")}
        control.should_log = True

    def extras(self, state) -> dict:
        out, self.pending = self.pending, {}
        return out


class RewardCounters(_LogExtras):
    """The reward layer's counters (completions with no SQL, erroring or hostile SQL, ...)."""

    def extras(self, state) -> dict:
        from sqlrl import rewards

        return {f"rewards/{k}": v for k, v in rewards.stats().items()} if hasattr(rewards, "stats") else {}


def install(trainer, cfg: RunConfig, tokenizer) -> None:
    """Add sqlrl's callbacks to a trainer, ahead of the reporting integrations."""
    ours = [RewardCounters()] if cfg.trainer == "grpo" else []
    if cfg.eval.every_steps and cfg.data.eval_split:
        ours.append(ValidationEX(cfg, tokenizer))
    handler = trainer.callback_handler
    handler.callbacks = ours + handler.callbacks
