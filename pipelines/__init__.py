"""Item pipelines, one job each: normalize, validate, dedupe, store."""
