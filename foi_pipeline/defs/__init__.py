"""The Dagster shell: resources, assets and their metadata. Thin wrappers over foi_pipeline's plain functions."""
