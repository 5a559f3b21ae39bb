"""Rules of GUIDELINE.md, by family, as pure functions over the neutral model and the policy."""
