"""Info.plist entries for Hearth.app (merged by PyInstaller's BUNDLE into its defaults)."""

from __future__ import annotations

BUNDLE_ID = "org.hearth.Hearth"


def info_plist(version: str, *, menu_bar_only: bool = False) -> dict[str, object]:
    """The keys Hearth.app needs: identity, version, privacy prompts, and menu-bar mode."""
    return {
        "CFBundleName": "Hearth",
        "CFBundleDisplayName": "Hearth",
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "CFBundlePackageType": "APPL",
        "LSApplicationCategoryType": "public.app-category.productivity",
        "LSMinimumSystemVersion": "13.5",
        # Apple silicon only: MLX runs on Metal.
        "LSArchitecturePriority": ["arm64"],
        "NSHighResolutionCapable": True,
        "NSSupportsAutomaticGraphicsSwitching": True,
        # True = menu-bar app with no Dock icon (Settings > "Run in the menu bar only").
        "LSUIElement": bool(menu_bar_only),
        "NSMicrophoneUsageDescription": (
            "Hearth listens only while you hold the push-to-talk key, and transcribes your voice on this Mac."
        ),
        "NSAppleEventsUsageDescription": (
            "Hearth uses Calendar, Reminders and Mail to carry out actions you approve, one at a time."
        ),
        "NSCalendarsUsageDescription": "Hearth reads and adds calendar events when you ask and approve.",
        "NSRemindersUsageDescription": "Hearth reads and adds reminders when you ask and approve.",
        "NSContactsUsageDescription": "Hearth looks up contacts you mention, on this Mac.",
        "NSHumanReadableCopyright": "Hearth developers. GPL-3.0-or-later.",
    }
