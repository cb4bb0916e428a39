"""`sqlrl config show|check|list`: inspect and check recipes."""

from __future__ import annotations

import sys

from sqlrl.config import RECIPES_DIR, list_recipes, recipe_description, to_yaml
from sqlrl.errors import raise_problems

CHECK_DESCRIPTION = """\
Compose RECIPE with its defaults, apply KEY=VALUE overrides and check every value before
anything is loaded: each TRL GRPOConfig / SFTConfig field in `training` against its type and
the values TRL accepts (loss_type, scale_rewards, lr_scheduler_type, ...); model, data, reward,
eval and env settings against their types and sqlrl's registries (dataset and its splits,
template, schema format, reward preset, comparison mode, reward weight and parameter names);
cross-field rules (the group size divides the generation batch, report_to backends are
installed, validation has a split); and what this machine lacks (GPU-only settings without a
GPU, all listed together; packages; the model directory; the dataset folder). Every problem is
listed in one message with the field, the value given, what is allowed and the closest valid
value. Prints "ok" and exits 0 when there is none; exits 2 otherwise. `sqlrl train`, `sft`,
`eval --recipe` and `config show` run the same checks first.
"""


def _show(args) -> int:
    from sqlrl.cli.checks import load_with_problems

    sources: list = []
    cfg, found, where = load_with_problems(args.recipe, args.overrides, sources=sources)
    # What is wrong with the config itself stops here; what this machine lacks (a GPU, a package, a
    # file) does not: a GPU recipe is worth reading on a laptop.
    raise_problems([p for p in found if not p.machine], where)
    for p in found:
        print(f"note: not runnable on this machine: {p}", file=sys.stderr)
    if cfg.trainer == "grpo":  # reward names (weights, params, schedule) are checked against the preset
        from sqlrl.rewards import build_rewards

        build_rewards(cfg.reward.preset, weights=cfg.reward.weights, template=cfg.data.template, mode=cfg.reward.mode,
                      params=cfg.reward.params, extra=cfg.reward.extra, schedule=cfg.reward.schedule)
    print("# composed from (first to last; later files override earlier ones):")
    for path in sources:
        print(f"#   {path}")
    print(to_yaml(cfg), end="")
    return 0


def _check(args) -> int:
    from sqlrl.cli.checks import load_with_problems

    cfg, found, where = load_with_problems(args.recipe, args.overrides, processes=args.num_processes,
                                           machine=not args.portable)
    raise_problems(found, where)
    print(f"ok: {where} ({cfg.trainer}, {'any machine' if args.portable else 'this machine'})")
    return 0


def _list(args) -> int:
    names = list_recipes()
    width = max(map(len, names), default=0)
    for name in names:
        print(f"{name:<{width}}  {recipe_description(RECIPES_DIR / f'{name}.yaml')}")
    return 0


def add_recipe_arguments(p) -> None:
    """--recipe and overrides, shared by every command that runs a recipe."""
    p.add_argument("--recipe", "-r", required=True,
                   help=f"recipe name or YAML path (names: {', '.join(list_recipes())})")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                   help="dotted overrides, e.g. training.learning_rate=1e-6 model.lora_r=8 reward.preset=sqlr1, or "
                        "defaults=[model/qwen2.5-coder-3b] to compose config groups")


def add_config_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Inspect and check recipes.")
    sub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    overrides_help = ("dotted overrides, e.g. training.learning_rate=1e-6; defaults=[group, ...] composes config "
                      "groups (e.g. model/qwen2.5-coder-3b) over the recipe, before the other overrides")
    ps = sub.add_parser("show", help="print the resolved config of a recipe with overrides",
                        description="Compose RECIPE with its defaults, apply KEY=VALUE overrides, check every value "
                                    "(as `sqlrl config check` does) and print the result as YAML. Problems of the "
                                    "config exit 2; what only this machine lacks (a GPU, a package, a file) is "
                                    "printed as a note.")
    ps.add_argument("recipe", help="recipe name or YAML path")
    ps.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help=overrides_help)
    ps.set_defaults(func=_show)
    pc = sub.add_parser("check", help="check every value of a recipe before anything loads (exit 0 ok, 2 problems)",
                        description=CHECK_DESCRIPTION)
    pc.add_argument("recipe", help="recipe name or YAML path")
    pc.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help=overrides_help)
    pc.add_argument("--portable", action="store_true",
                    help="leave out what depends on this machine (GPU, installed packages, local files): check a "
                         "GPU recipe on a laptop")
    pc.add_argument("--num-processes", type=int, default=1, metavar="N",
                    help="training processes the run will use (the group size must divide their batch; default 1)")
    pc.set_defaults(func=_check)
    pl = sub.add_parser("list", help="list the recipes shipped with sqlrl", description="List shipped recipes.")
    pl.set_defaults(func=_list)
