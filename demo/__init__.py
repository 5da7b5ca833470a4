"""Generated demo data: every wave 2017–2025 calibrated to the published figures (`python -m demo`)."""

from demo.generate import AGE, CHANNELS, DRIVER_TRUTH, EDUCATION, SERVICE_FIELDS, build_demo, national_targets

__all__ = ["AGE", "CHANNELS", "DRIVER_TRUTH", "EDUCATION", "SERVICE_FIELDS", "build_demo", "national_targets"]
