"""Trainer callbacks: validation EX before training and every N steps, the reward layer's own counters, and the guard
that stops a run whose rewards keep failing.

The first two add keys to the trainer's regular log record. They must run before the reporting
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
    """EX on the validation split before the first step and every `eval.every_steps` steps, with the recipe's
    `eval` settings (greedy unless `eval.decode` says otherwise), logged as `eval/ex`.

    The measurement before training is the curve's starting point (logged at step 0 through
    `trainer.log`, so TensorBoard and trainer_state.json get it too); a resumed run measured it
    when it started. Each measurement shows a progress bar with the running EX.
    """

    def __init__(self, cfg: RunConfig, tokenizer, trainer=None):
        self.cfg, self.tokenizer, self.trainer, self.rows, self.pending = cfg, tokenizer, trainer, None, {}
        self.started = False

    def measure(self, model, step: int) -> dict:
        from tqdm.auto import tqdm

        from sqlrl.eval import evaluate
        from sqlrl.train.dataset import load_rows

        if self.rows is None:
            rows = load_rows(self.cfg, self.cfg.data.eval_split)
            limit = self.cfg.eval.limit
            self.rows = list(rows.select(range(min(limit, len(rows))))) if limit else list(rows)
        with tqdm.external_write_mode():  # the training bar steps aside while the validation bar runs
            summary = evaluate(model, self.tokenizer, self.rows, self.cfg.eval, template=self.cfg.data.template,
                               mode=self.cfg.reward.mode, progress=f"validation, step {step}")
        return {"eval/ex": summary["ex"], "eval/executable": summary.get("executable")}

    def on_step_begin(self, args, state, control, model=None, **kwargs):
        # At the first step rather than at train begin: the reporting callbacks (TensorBoard...) set up there.
        if state.global_step == 0 and not self.started and state.is_world_process_zero and self.trainer is not None:
            self.trainer.log(self.measure(model, 0))
        self.started = True

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step % self.cfg.eval.every_steps or not state.is_world_process_zero:
            return
        self.pending = self.measure(model, state.global_step)
        control.should_log = True

    def extras(self, state) -> dict:
        out, self.pending = self.pending, {}
        return out


class RewardCounters(_LogExtras):
    """The reward layer's counters (completions with no SQL, erroring or hostile SQL, ...)."""

    def extras(self, state) -> dict:
        from sqlrl import rewards

        return {f"rewards/{k}": v for k, v in rewards.stats().items()}


class RewardErrorGuard(TrainerCallback):
    """Stop training when a reward function failed internally on more than `max_share` of a step's completions.

    A failing reward scores its batch at its lowest value, so the step trains on no signal; a
    reward that fails every step (a bug, a setting it cannot use) would waste the whole run.
    The guard lets the step's log record be written (the counts stay in the logs), asks the
    trainer to stop, and `raise_failure` then raises the first error and where it came from.
    With several processes the counts are summed over all of them, so every process stops at
    the same step.
    """

    def __init__(self, max_share: float, trainer=None):
        self.max_share, self.trainer, self.failure = max_share, trainer, None

    def on_train_begin(self, args, state, control, **kwargs):
        from sqlrl import rewards

        rewards.error_share()  # what ran before training (the prefilter) is not this run's step

    def on_step_end(self, args, state, control, **kwargs):
        from sqlrl import rewards

        seen = rewards.error_share()
        errors, completions = self._summed(seen.errors, seen.completions)
        if completions and errors / completions > self.max_share:
            self.failure = rewards.RewardsFailing(
                f"training stopped at step {state.global_step}: reward '{seen.reward}' failed internally on "
                f"{errors} of {completions} completions ({errors / completions:.0%}; the limit is "
                f"reward.max_error_share={self.max_share}). First error: {seen.first_error or 'on another process'}. "
                "A completion a reward cannot score gets its lowest value, so the run was training on no signal. "
                "Fix the reward or its settings (reward.*), or raise reward.max_error_share (1.0 never stops). "
                f"The counts are logged as rewards/{seen.reward}/internal_error.")
            control.should_training_stop = True
            control.should_log = True

    def _summed(self, errors: int, completions: int) -> tuple[int, int]:
        accelerator = getattr(self.trainer, "accelerator", None)
        if accelerator is None or accelerator.num_processes == 1:
            return errors, completions
        import torch

        total = accelerator.reduce(torch.tensor([errors, completions], device=accelerator.device), "sum")
        return int(total[0]), int(total[1])

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


def install(trainer, cfg: RunConfig, tokenizer) -> RewardErrorGuard | None:
    """Add sqlrl's callbacks to a trainer, ahead of the reporting integrations; returns the reward guard."""
    guard = RewardErrorGuard(cfg.reward.max_error_share, trainer) if cfg.trainer == "grpo" else None
    ours = [RewardCounters(), guard] if guard else []
    if cfg.eval.every_steps and cfg.data.eval_split:
        ours.append(ValidationEX(cfg, tokenizer, trainer))
    handler = trainer.callback_handler
    handler.callbacks = ours + handler.callbacks
    return guard
