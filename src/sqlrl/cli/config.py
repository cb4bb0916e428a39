"""`sqlrl config show|list`: inspect recipes."""

from __future__ import annotations

from sqlrl.config import RECIPES_DIR, list_recipes, load, recipe_description, to_yaml


def _show(args) -> int:
    sources: list = []
    cfg = load(args.recipe, args.overrides, sources=sources)
    if cfg.trainer == "grpo":  # reward names (weights, params, schedule) are checked against the preset
        from sqlrl.rewards import build_rewards

        build_rewards(cfg.reward.preset, weights=cfg.reward.weights, template=cfg.data.template, mode=cfg.reward.mode,
                      params=cfg.reward.params, schedule=cfg.reward.schedule)
    text = to_yaml(cfg)
    print("# composed from (first to last; later files override earlier ones):")
    for path in sources:
        print(f"#   {path}")
    print(text, end="")
    return 0


def _list(args) -> int:
    names = list_recipes()
    width = max(map(len, names), default=0)
    for name in names:
        print(f"{name:<{width}}  {recipe_description(RECIPES_DIR / f'{name}.yaml')}")
    return 0


def add_recipe_arguments(p) -> None:
    """--recipe and overrides, shared by every command that runs a recipe."""
    p.add_argument("--recipe", "-r", required=True, help=f"recipe name or YAML path (names: {', '.join(list_recipes())})")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                   help="dotted overrides, e.g. training.learning_rate=1e-6 model.lora_r=8 reward.preset=sqlr1")


def add_config_parser(subparsers, name, help_text):
    p = subparsers.add_parser(name, help=help_text, description="Inspect recipes.")
    sub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    ps = sub.add_parser("show", help="print the resolved config of a recipe with overrides",
                        description="Compose RECIPE with its defaults, apply KEY=VALUE overrides, validate against "
                                    "sqlrl's configs and TRL's GRPOConfig/SFTConfig, and print the result as YAML.")
    ps.add_argument("recipe", help="recipe name or YAML path")
    ps.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="dotted overrides, e.g. training.learning_rate=1e-6")
    ps.set_defaults(func=_show)
    pl = sub.add_parser("list", help="list the recipes shipped with sqlrl", description="List shipped recipes.")
    pl.set_defaults(func=_list)
