"""The training console: a progress bar and one short line per logging step, with the numbers people watch.

transformers prints every log record as a Python dict (`ProgressCallback`, or `PrinterCallback`
without tqdm); a GRPO record holds about 30 metrics, too many to follow a run by. `install`
swaps that printer for `CompactConsole`, which shows only the few numbers that say whether a run
is learning: mean reward, the share of groups with all-equal rewards, completion length,
validation EX when it was measured, loss and token accuracy for SFT, and seconds per step.
The other callbacks are untouched: every metric still reaches TensorBoard (or W&B) and
`trainer_state.json`. `sqlrl train --verbose` keeps transformers' printer.
"""

from __future__ import annotations

import time

from transformers import TrainerCallback
from transformers.trainer_callback import PrinterCallback, ProgressCallback

# (log key, label, format). Only the keys a record holds are shown, in this order. GRPO's `loss` is left out:
# with beta 0 it is ~0 whatever the run does.
WATCHED = {
    "sft": (("loss", "loss", "{:.3f}"), ("mean_token_accuracy", "tok-acc", "{:.3f}"), ("eval/ex", "val-EX", "{:.1%}")),
    "grpo": (("reward", "reward", "{:.3f}"), ("frac_reward_zero_std", "equal-groups", "{:.0%}"),
             ("completions/mean_length", "len", "{:.0f}"), ("eval/ex", "val-EX", "{:.1%}")),
}


def compact(logs: dict, grpo: bool) -> dict[str, str]:
    """{label: 'label value'} for the watched keys a log record holds."""
    out = {}
    for key, label, fmt in WATCHED["grpo" if grpo else "sft"]:
        try:
            out[label] = f"{label} {fmt.format(float(logs[key]))}"
        except (KeyError, TypeError, ValueError):
            continue
    return out


class CompactConsole(TrainerCallback):
    """tqdm bar whose postfix carries the watched numbers; one line per logging step; a summary at the end."""

    def __init__(self, grpo: bool, label: str = ""):
        self.grpo, self.label = grpo, label or ("GRPO" if grpo else "SFT")
        self.bar = None
        self.step_began = None
        self.step_seconds: list[float] = []
        self.latest: dict[str, str] = {}

    def on_train_begin(self, args, state, control, **kwargs):
        if state.is_world_process_zero and not args.disable_tqdm:  # disable_tqdm: the lines only
            from tqdm.auto import tqdm

            # tqdm's own rate is left out: it counts validation time; the postfix has training s/step
            self.bar = tqdm(total=state.max_steps, initial=state.global_step, desc=self.label, dynamic_ncols=True,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                       "[{elapsed}<{remaining}{postfix}]")

    def on_step_begin(self, args, state, control, **kwargs):
        self.step_began = time.monotonic()

    def on_optimizer_step(self, args, state, control, **kwargs):
        # Stamped before on_step_end, so validation runs (ValidationEX, at step end) do not count as training time.
        if self.step_began is not None:
            self.step_seconds.append(time.monotonic() - self.step_began)
            self.step_began = None

    def on_step_end(self, args, state, control, **kwargs):
        if self.bar is not None:
            self.bar.update(state.global_step - self.bar.n)
            self._postfix()

    def seconds_per_step(self, last: int | None = None) -> float | None:
        times = self.step_seconds[-last:] if last else self.step_seconds
        return sum(times) / len(times) if times else None

    def _postfix(self) -> None:
        sps = self.seconds_per_step(last=5)
        pieces = list(self.latest.values()) + ([f"{sps:.1f} s/step"] if sps is not None else [])
        self.bar.set_postfix_str("  ".join(pieces), refresh=True)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        if "train_runtime" in logs:  # the record Trainer logs once at the end
            return
        pieces = compact(logs, self.grpo)
        if not pieces:
            return
        self.latest.update(pieces)
        sps = self.seconds_per_step(last=args.logging_steps or 1)
        width = len(str(state.max_steps))
        line = f"step {state.global_step:>{width}}/{state.max_steps}  " + "  ".join(pieces.values())
        line += f"  {sps:.1f} s/step" if sps is not None else ""
        if self.bar is not None:
            self.bar.write(line)
            self._postfix()
        else:
            print(line, flush=True)

    def on_train_end(self, args, state, control, **kwargs):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if not state.is_world_process_zero:
            return
        from sqlrl.train.history import summary_line

        line = summary_line(state.log_history)
        sps = self.seconds_per_step()
        done = f"{self.label}: {state.global_step} steps" + (f", {sps:.1f} s/step" if sps is not None else "")
        print(f"sqlrl: {done}" + (f"; {line}" if line else ""), flush=True)


def install(trainer, grpo: bool, verbose: bool = False) -> None:
    """Replace transformers' dict printer with CompactConsole (unless verbose)."""
    if verbose:
        return
    for cb in list(trainer.callback_handler.callbacks):
        # NotebookProgressCallback (in Jupyter) by name: importing it needs IPython
        if isinstance(cb, (ProgressCallback, PrinterCallback)) or type(cb).__name__ == "NotebookProgressCallback":
            trainer.remove_callback(cb)
    trainer.add_callback(CompactConsole(grpo))
