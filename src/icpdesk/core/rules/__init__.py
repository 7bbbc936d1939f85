"""Eligibility rules: rule packs (data), the profile (input) and the engine.

    from icpdesk.core.rules import assess, load_pack, parse_profile

    pack = load_pack("gansu")
    result = assess(parse_profile(data), pack)
    result.verdict, result.to_dict()

Where things are: ``profile`` declares the profile (and so its JSON Schema,
``schema``); ``conditions`` holds one small function per rule and the table
of them; ``messages`` every text a rule says; ``reference`` the facts rules
compare with; ``engine`` runs a pack's rules over a profile.

Time limits of the case workflow are read from the same packs:
``load_pack("gansu").limit("acceptance")``.
"""

from icpdesk.core.rules.engine import (
    Assessment,
    Check,
    add_months,
    add_years,
    assess,
    clear_memos,
    normalize_lang,
)
from icpdesk.core.rules.packs import (
    Group,
    Limit,
    Material,
    PackError,
    Rule,
    RulePack,
    available_packs,
    load_pack,
)
from icpdesk.core.rules.profile import Profile, ProfileError, parse_profile

__all__ = [
    "Assessment",
    "Check",
    "Group",
    "Limit",
    "Material",
    "PackError",
    "Profile",
    "ProfileError",
    "Rule",
    "RulePack",
    "add_months",
    "add_years",
    "assess",
    "available_packs",
    "clear_memos",
    "load_pack",
    "normalize_lang",
    "parse_profile",
]
