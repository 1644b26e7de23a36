"""What the demo data of every app shares."""

# The password of every demo account (the README prints it).
DEMO_PASSWORD = "gongzhi2026"
