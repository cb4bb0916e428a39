"""GRPO sampling under schema-grounded decoding (`model.grounded`).

TRL's GRPOTrainer takes no logits processor, and its `generation_kwargs` go into a
`GenerationConfig`, which has no place for one. So the processor is handed to `generate`
the way `sqlrl.stopping` hands it the tokenizer: the model's own `generate` is wrapped, and
the wrapper adds the processor when the call carries the trainer's generation config (TRL's
sampling call), and only then, so validation EX and prefiltering are not affected. No TRL
private API is used; what the wrapper relies on is that TRL passes
`generation_config=trainer.generation_config` to `generate` (TRL 1.16), and a test checks it.
Each row's database is found from its prompt (`SchemaIndex`), so batches may mix databases.

Log-probabilities: TRL computes the policy's log-probabilities with a plain forward pass
(the unconstrained policy), and samples from the constrained one. The samples are then
slightly off-policy: a completion's probability under the policy is its probability under
the sampler times the product over refused steps of Z, the mass the policy gave the accepted
tokens. TRL's transformers path has no hook for a per-token sampling log-probability (its
importance-sampling correction is vLLM's), so no correction is applied: the gradient also
pushes up schema names the policy had not ranked first, which is the point of grounding.
The refusal count is in `processor.stats`.
"""

from __future__ import annotations

from sqlrl.errors import UserError


def ground_sampling(trainer, model, tokenizer, template, dataset):
    """Make `trainer` sample with schema-grounded decoding; returns the processor (its `stats` count refusals).

    `model` is the transformers model the trainer generates with (under PEFT, the base model
    it wraps); `dataset` holds the training rows with `schema` and `db_path`.
    """
    from transformers import LogitsProcessorList

    from sqlrl.eval.grounded import GroundedLogitsProcessor, SchemaIndex

    if "schema" not in dataset.column_names or "db_path" not in dataset.column_names:
        raise UserError("model.grounded=true needs the training rows' 'schema' and 'db_path' columns; "
                        "this dataset has neither.")
    index = SchemaIndex(zip(dataset["schema"], dataset["db_path"]))
    proc = GroundedLogitsProcessor(tokenizer, template, index)
    target = trainer.generation_config
    inner = model.generate

    def generate(*args, **kwargs):
        config = kwargs.get("generation_config")
        if config is not None and config is target and "logits_processor" not in kwargs:
            proc.configure(config)
            kwargs["logits_processor"] = LogitsProcessorList([proc])
        return inner(*args, **kwargs)

    generate._sqlrl_binds_tokenizer = getattr(inner, "_sqlrl_binds_tokenizer", False)
    model.generate = generate
    # Ahead of the reporting callbacks, so TensorBoard sees the keys (as `callbacks.install` does).
    trainer.callback_handler.callbacks.insert(0, _counters(proc.stats))
    return proc


def _counters(stats):
    """A callback logging, per log record, how often grounding refused the sampled token."""
    from sqlrl.train.callbacks import _LogExtras

    keys = {"sql_steps": "sql_tokens", "interventions": "refused", "given_up": "given_up",
            "loops_ended": "loops_ended"}

    class GroundedCounters(_LogExtras):
        """Counts since the previous log record; the run's closing summary record gets the run's totals."""

        def __init__(self):
            self.first, self.seen = dict(stats), dict(stats)

        def extras(self, state) -> dict:
            summary = bool(state.log_history) and "train_runtime" in state.log_history[-1]  # the record being logged
            now, since = dict(stats), self.first if summary else self.seen
            self.seen = now
            return {f"grounded/{v}": now.get(k, 0) - since.get(k, 0) for k, v in keys.items()}

    return GroundedCounters()
