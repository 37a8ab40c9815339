"""courses: the 8-step plan wizard, the lesson plan and its versions, the approval chain,
cancelling and closing (SPEC §3, §4, §5)."""
