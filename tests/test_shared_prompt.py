"""Shared-prompt GRPO (sqlrl.trl_compat, sqlrl.shared_prompt, sqlrl.shared_prefill) against TRL's own path.

Every comparison runs the real TRL GRPOTrainer twice, or calls TRL's method on the same batch,
with sharing on and off: per-token log-probs must agree within 1e-5 and gradients within 1e-4
(relative), in float32, on the tiny random model (the default model in a slow test).
"""

import json

import pytest
import torch

from sqlrl import shared_prompt

LOGP_TOL, GRAD_TOL = 1e-5, 1e-4


def trainer_class():
    from trl import GRPOTrainer

    from sqlrl.trl_compat import SharedPromptMixin

    return type("SharedPromptTrainer", (SharedPromptMixin, GRPOTrainer), {})


def tiny_model(tiny_model_dir, attn="sdpa"):
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32, attn_implementation=attn)
    # Many EOS ids: a random model then ends its completions at different lengths.
    model.generation_config.eos_token_id = [model.config.eos_token_id, *range(300, 1800)]
    return model


def prompts(n: int, tables: int = 2) -> list[str]:
    """Prompts of different lengths sharing a long system prefix, like schema prompts on one database."""
    head = "<|im_start|>system\nWrite SQLite for the tables below.\n" + "".join(
        f"CREATE TABLE t{i} (a{i} INT, b TEXT, c{i} REAL);\n" for i in range(tables))
    return [head + f"<|im_start|>user\nquestion {i}: " + "how many rows " * (i % 3 + 1) + "?<|im_end|>\n"
            "<|im_start|>assistant\n" for i in range(n)]


def reward(completions, **kwargs):
    """Deterministic, varied rewards (non-zero advantages) from the completion text."""
    return [float(sum(map(ord, c)) % 7) for c in completions]


def make_trainer(model_dir, tmp_path, *, share, lora=True, attn="sdpa", seen=None, **args):
    from datasets import Dataset
    from peft import LoraConfig
    from trl import GRPOConfig

    from sqlrl.models import load_tokenizer

    tok = load_tokenizer(str(model_dir))
    settings = {"output_dir": str(tmp_path / f"run-{share}"), "num_generations": 4, "per_device_train_batch_size": 4,
                "max_completion_length": 12, "max_steps": 2, "learning_rate": 1e-3, "report_to": [], "use_cpu": True,
                "bf16": False, "logging_steps": 1, "save_strategy": "no", "seed": 0, "temperature": 1.0, "beta": 0.0,
                "gradient_checkpointing": False}
    settings.update(args)

    def scored(completions, **kwargs):
        if seen is not None:
            seen.append(list(completions))
        return reward(completions)

    lora_cfg = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = trainer_class()(model=tiny_model(model_dir, attn), reward_funcs=scored, args=GRPOConfig(**settings),
                              train_dataset=Dataset.from_list([{"prompt": p} for p in prompts(8)]),
                              processing_class=tok, peft_config=lora_cfg if lora else None)
    trainer.share_prompt = share
    return trainer


class GradRecorder:
    """Callback keeping a copy of every trainable gradient at each optimizer step."""

    def __init__(self):
        self.steps = []

    def callback(self):
        from transformers import TrainerCallback

        rec = self

        class _Rec(TrainerCallback):
            def on_pre_optimizer_step(self, args, state, control, model=None, **kwargs):
                rec.steps.append({n: p.grad.detach().clone() for n, p in model.named_parameters()
                                  if p.requires_grad and p.grad is not None})

        return _Rec()


def train_both(tiny_model_dir, tmp_path, monkeypatch, **args):
    """Train two steps with sharing off, then on; returns (grads, completions, logs, shared calls) per run."""
    calls = []
    original = shared_prompt.per_token_logps
    monkeypatch.setattr(shared_prompt, "per_token_logps",
                        lambda *a, **k: calls.append(torch.is_grad_enabled()) or original(*a, **k))
    runs = {}
    for share in (False, True):
        calls.clear()
        seen, rec = [], GradRecorder()
        trainer = make_trainer(tiny_model_dir, tmp_path, share=share, seen=seen, **args)
        trainer.add_callback(rec.callback())
        trainer.train()
        assert trainer.share_prompt == share, "the shared run fell back to TRL's path"
        runs[share] = (rec.steps, seen, trainer.state.log_history, list(calls))
    return runs


def assert_same_training(runs):
    (g0, seen0, logs0, calls0), (g1, seen1, logs1, calls1) = runs[False], runs[True]
    assert not calls0 and calls1 and any(calls1), "the shared forward never ran with gradients"
    assert seen0 == seen1, "shared generation sampled other completions"
    assert len(g0) == len(g1) >= 2
    for step0, step1 in zip(g0, g1):
        assert step0.keys() == step1.keys()
        moved = 0
        for name in step0:
            a, b = step0[name], step1[name]
            scale = a.norm()
            if scale > 1e-8:
                moved += 1
                assert (a - b).norm() / scale < GRAD_TOL, name
            else:
                assert b.norm() < 1e-6, name
        assert moved, "no gradient to compare"
    for key in ("entropy", "loss", "kl"):
        a = [r[key] for r in logs0 if key in r]
        b = [r[key] for r in logs1 if key in r]
        assert a == pytest.approx(b, rel=1e-4, abs=1e-6), key


# --- the training forward, method against method -------------------------------------------------------------

def mixed_batch(tok, lengths, width=12, seed=1, tables=2):
    """TRL's layout: three prompts (two rows, three rows, one row), left-padded; completions right-padded."""
    ps = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts(3, tables)]
    rows = [ps[0], ps[0], ps[1], ps[1], ps[1], ps[2]]
    pw = max(map(len, rows))
    ids = torch.full((len(rows), pw + width), tok.pad_token_id)
    mask = torch.zeros_like(ids)
    g = torch.Generator().manual_seed(seed)
    for i, (p, n) in enumerate(zip(rows, lengths)):
        ids[i, pw - len(p):pw], mask[i, pw - len(p):pw] = torch.tensor(p), 1
        ids[i, pw:pw + n], mask[i, pw:pw + n] = torch.randint(3, 5000, (n,), generator=g), 1
    return ids, mask, width


def logps_and_grads(trainer, ids, mask, width, share):
    trainer.share_prompt = share
    model = trainer.model
    model.zero_grad()
    lp, ent, _ = trainer._get_per_token_logps_and_entropies(model, ids, mask, width, compute_entropy=True)
    weights = torch.randn(lp.shape, generator=torch.Generator().manual_seed(2))
    ((lp * weights).sum() + ent.sum()).backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return lp.detach(), ent.detach(), grads


def randomize_lora(model):
    """LoRA's B starts at zero (the adapter does nothing); give it weights so its gradients and effect are real."""
    g = torch.Generator().manual_seed(3)
    for n, p in model.named_parameters():
        if "lora_B" in n:
            p.data = torch.randn(p.shape, generator=g) * 0.1


@pytest.mark.parametrize("lora,attn,checkpointing", [
    (True, "sdpa", False), (False, "sdpa", False), (True, "eager", False), (True, "sdpa", True), (False, "sdpa", True),
], ids=["lora", "full", "lora-eager", "lora-checkpointing", "full-checkpointing"])
def test_logps_entropies_and_grads_equal_trls(tiny_model_dir, tmp_path, lora, attn, checkpointing):
    trainer = make_trainer(tiny_model_dir, tmp_path, share=True, lora=lora, attn=attn,
                           gradient_checkpointing=checkpointing)
    if lora:
        randomize_lora(trainer.model)
    ids, mask, width = mixed_batch(trainer.processing_class, lengths=[5, 12, 1, 0, 9, 7])
    calls = []
    original = shared_prompt.per_token_logps
    shared_prompt.per_token_logps = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        lp0, ent0, g0 = logps_and_grads(trainer, ids, mask, width, share=False)
        lp1, ent1, g1 = logps_and_grads(trainer, ids, mask, width, share=True)
    finally:
        shared_prompt.per_token_logps = original
    assert calls and trainer.share_prompt
    keep = mask[:, -width:].bool()
    assert (lp0 - lp1)[keep].abs().max() < LOGP_TOL
    assert (ent0 - ent1)[keep].abs().max() < LOGP_TOL
    assert (lp1[~keep] == 0).all() and (ent1[~keep] == 0).all()  # TRL's zeros where the mask is
    assert g0.keys() == g1.keys() and g0
    for name in g0:
        assert (g0[name] - g1[name]).norm() <= GRAD_TOL * g0[name].norm() + 1e-9, name


def test_packing_drops_completion_padding_and_repeats_no_prompt(tiny_model_dir):
    from sqlrl.models import load_tokenizer

    tok = load_tokenizer(str(tiny_model_dir))
    lengths = [5, 12, 1, 0, 9, 7]
    ids, mask, width = mixed_batch(tok, lengths)
    rows = shared_prompt.read_rows(ids, mask, width)
    groups = shared_prompt.prompt_groups(rows)
    assert groups == [[0, 1], [2, 3, 4], [5]]
    packed = shared_prompt.pack(ids, rows, groups, width, tok.pad_token_id)
    real = [len(rows.prompts[g[0]]) - 1 + sum(lengths[b] for b in g) for g in groups]
    assert (packed.position_ids.shape[1], sorted((packed.shift_labels != -100).sum(1).tolist())) == \
        (max(real), sorted(sum(lengths[b] for b in g) for g in groups))
    assert ((packed.input_ids != tok.pad_token_id).sum(1) <= torch.tensor(real)).all()


# --- whole training runs, shared against unshared -----------------------------------------------------------

SLOW = pytest.mark.slow
CASES = [  # the first four cover every setting together; the slow ones take them one at a time
    pytest.param({}, id="lora"),
    pytest.param({"lora": False, "beta": 0.1, "gradient_checkpointing": True}, id="full-ft-beta-checkpointing"),
    pytest.param({"beta": 0.1, "num_iterations": 2, "gradient_accumulation_steps": 2},
                 id="lora-beta-iterations-accumulation"),
    pytest.param({"steps_per_generation": 2}, id="steps-per-generation"),
    pytest.param({"lora": False}, id="full-ft", marks=SLOW),
    pytest.param({"beta": 0.1}, id="beta-lora", marks=SLOW),
    pytest.param({"beta": 0.1, "lora": False}, id="beta-full-ft", marks=SLOW),
    pytest.param({"num_iterations": 2}, id="num-iterations", marks=SLOW),
    pytest.param({"gradient_accumulation_steps": 2}, id="grad-accumulation", marks=SLOW),
    pytest.param({"gradient_checkpointing": True}, id="gradient-checkpointing", marks=SLOW),
]


@pytest.mark.parametrize("settings", CASES)
def test_training_steps_equal_trls(tiny_model_dir, tmp_path, monkeypatch, settings):
    runs = train_both(tiny_model_dir, tmp_path, monkeypatch, **settings)
    assert_same_training(runs)
    if settings.get("gradient_accumulation_steps") or settings.get("steps_per_generation"):
        # two prompts per generation batch, shuffled across micro-batches: mixed prompts, different lengths
        lengths = {len(c) for batch in runs[True][1] for c in batch}
        assert len(lengths) > 1


# --- generation --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sampling", [{"temperature": 1.0}, {"temperature": 0.7, "top_p": 0.9, "top_k": 20}],
                         ids=["temperature", "top-p-top-k"])
def test_generation_prefills_once_and_samples_the_same(tiny_model_dir, tmp_path, monkeypatch, sampling):
    from sqlrl import shared_prefill

    trainer = make_trainer(tiny_model_dir, tmp_path, share=True, **sampling)
    tok = trainer.processing_class
    ps = [tok(p)["input_ids"] for p in prompts(2)]
    rows = [ps[0]] * 4 + [ps[1]] * 4
    prefilled = []
    original = shared_prefill.prefill_inputs
    monkeypatch.setattr(shared_prefill, "prefill_inputs",
                        lambda model, ids, mask, **k: prefilled.append(ids.shape) or original(model, ids, mask, **k))
    out = {}
    for share in (False, True):
        trainer.share_prompt = share
        torch.manual_seed(7)
        out[share], _ = trainer._generate_single_turn(rows, None, {}, 4)
    assert prefilled and trainer.share_prompt
    assert out[True] == out[False]
    if "top_k" not in sampling:  # (the tiny model under top-k 20 never samples its end token: all run to the limit)
        assert len({len(c) for c in out[True]}) > 1  # completions of different lengths were compared too


def test_prefill_runs_each_distinct_prompt_once(tiny_model_dir):
    from sqlrl import shared_prefill
    from sqlrl.models import load_tokenizer

    model, tok = tiny_model(tiny_model_dir), load_tokenizer(str(tiny_model_dir))
    ps = [tok(p)["input_ids"] for p in prompts(2)]
    rows = [ps[0]] * 3 + [ps[1]] * 2
    width = max(map(len, rows))
    ids = torch.tensor([[tok.pad_token_id] * (width - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
    tokens = []
    hook = model.model.embed_tokens.register_forward_hook(lambda m, i, o: tokens.append(i[0].numel()))
    inputs = shared_prefill.prefill_inputs(model, ids, mask, pad_id=tok.pad_token_id, min_shared=8)
    hook.remove()
    shared = shared_prefill.common_prefix_len([tuple(p) for p in ps])
    # prefix once, then each distinct prompt's tail (all but the last column, padded to the longest tail)
    assert tokens == [shared, 2 * (width - 1 - shared)]
    assert inputs["cache"].get_seq_length() == width - 1 and inputs["input_ids"].shape == ids.shape
    assert shared_prefill.check(model, ids, mask, inputs) < LOGP_TOL
    with torch.no_grad():
        plain = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, do_sample=False)
        fast = model.generate(**inputs, max_new_tokens=6, do_sample=False)
    assert torch.equal(plain[:, width:], fast[:, width:])
    # without a long enough common prefix: each distinct (left-padded) prompt once, nothing else
    tokens.clear()
    hook = model.model.embed_tokens.register_forward_hook(lambda m, i, o: tokens.append(i[0].numel()))
    inputs = shared_prefill.prefill_inputs(model, ids, mask, pad_id=tok.pad_token_id, min_shared=10_000)
    hook.remove()
    assert tokens == [2 * (width - 1)]
    with torch.no_grad():
        fast = model.generate(**inputs, max_new_tokens=6, do_sample=False)
    assert torch.equal(plain[:, width:], fast[:, width:])


# --- falling back ------------------------------------------------------------------------------------------

def test_mismatch_on_first_step_falls_back_to_trl(tiny_model_dir, tmp_path, monkeypatch, caplog):
    """A wrong mask (prompt tokens seeing the future) must be caught by the first-step check, not trained on."""
    trainer = make_trainer(tiny_model_dir, tmp_path, share=True)
    ids, mask, width = mixed_batch(trainer.processing_class, lengths=[5, 12, 1, 0, 9, 7])
    monkeypatch.setattr(shared_prompt, "attention_mask_for", lambda model, m: torch.ones_like(m))
    want, _, _ = logps_and_grads(trainer, ids, mask, width, share=False)
    trainer.share_prompt = True
    with caplog.at_level("WARNING"):
        got, _, _ = trainer._get_per_token_logps_and_entropies(trainer.model, ids, mask, width)
    assert not trainer.share_prompt and "differ by" in caplog.text
    assert torch.equal(got.detach(), want)
    assert trainer._metrics["train"]["shared_prompt/forward_max_logp_diff"][0] > 1e-3


def test_multi_turn_rollout_runs_unshared(tiny_model_dir, tmp_path, caplog):
    trainer = make_trainer(tiny_model_dir, tmp_path, share=True)
    trainer.rollout_func = lambda prompts, trainer: None  # only its presence matters here
    ids, mask, width = mixed_batch(trainer.processing_class, lengths=[5, 12, 1, 0, 9, 7])
    with caplog.at_level("WARNING"):
        trainer._get_per_token_logps_and_entropies(trainer.model, ids, mask, width)
    assert not trainer.share_prompt and "rollout_func" in caplog.text


def test_attention_without_custom_masks_is_refused(tiny_model_dir):
    model = tiny_model(tiny_model_dir)
    model.config._attn_implementation = "flash_attention_2"
    assert "4D mask" in shared_prompt.why_not_shared(model, None, None)


# --- through sqlrl's config and CLI path --------------------------------------------------------------------

def test_grpo_train_shares_by_default_and_the_setting_turns_it_off(tiny_model_dir, tmp_path, monkeypatch):
    from sqlrl import config
    from sqlrl.train import grpo

    def cfg(name, *extra):
        return config.load("demo", [f"model.name={tiny_model_dir}", f"output_dir={tmp_path / name}",
                                    "training.max_steps=1", "training.max_completion_length=8",
                                    "training.save_steps=1", "training.report_to=[]", "data.limit=4",
                                    "data.eval_split=null", *extra])

    grpo.train(cfg("on"))
    history = json.loads((tmp_path / "on" / "trainer_state.json").read_text())["log_history"]
    logged = {k: v for rec in history for k, v in rec.items()}
    assert logged["shared_prompt/forward_max_logp_diff"] < 1e-4
    assert logged["shared_prompt/prefill_max_logp_diff"] < 1e-4

    built = []
    monkeypatch.setattr(grpo, "run_trainer", lambda trainer, *a: built.append(trainer) or tmp_path)
    grpo.train(cfg("off", "model.share_prompt=false"))
    assert built and built[0].share_prompt is False


@pytest.mark.slow
@pytest.mark.parametrize("tables,width,lengths", [(2, 64, [30, 64, 1, 0, 50, 12]),
                                                   (24, 128, [70, 128, 1, 0, 90, 40])], ids=["short", "spider-size"])
def test_default_model_logps_and_grads_equal_trls(tmp_path, tables, width, lengths):
    """The real 135M model, LoRA, float32; "spider-size": ~380-token prompts, completions up to 128 tokens.

    On long sequences float32 rounding alone moves a 30-layer model's log-probs by more than 1e-5:
    TRL's own path, given the same rows in another batch layout (each row alone), moves them too.
    The shared path must then stay within twice that noise floor.
    """
    from sqlrl.models import resolve

    trainer = make_trainer(resolve("default"), tmp_path, share=True)
    randomize_lora(trainer.model)
    ids, mask, width = mixed_batch(trainer.processing_class, lengths=lengths, width=width, tables=tables)
    lp0, ent0, g0 = logps_and_grads(trainer, ids, mask, width, share=False)
    lp1, ent1, g1 = logps_and_grads(trainer, ids, mask, width, share=True)
    assert trainer.share_prompt
    trainer.share_prompt = False
    starts = [int(m.bool().nonzero()[0, 0]) for m in mask]  # each row without its left padding
    with torch.no_grad():
        alone = torch.cat([trainer._get_per_token_logps_and_entropies(
            trainer.model, ids[i:i + 1, s:], mask[i:i + 1, s:], width)[0] for i, s in enumerate(starts)])
    keep = mask[:, -width:].bool()
    floor = float((lp0 - alone)[keep].abs().max())
    diff = float((lp0 - lp1)[keep].abs().max())
    print(f"default model, {tables} tables: shared vs TRL {diff:.2e}, TRL vs TRL row by row {floor:.2e}")
    assert diff < max(LOGP_TOL, 2 * floor)
    assert float((ent0 - ent1)[keep].abs().max()) < max(LOGP_TOL, 2 * floor)
    for name in g0:
        assert (g0[name] - g1[name]).norm() <= GRAD_TOL * g0[name].norm() + 1e-9, name
