"""Training: build TRL's GRPOTrainer / SFTTrainer from a sqlrl recipe."""
