"""Suite-wide settings: Qt renders offscreen (there is no screen in CI), whoever runs pytest."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
