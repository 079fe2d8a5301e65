"""The consultation record (协商记录) of a meeting: `build` (the JSON record and the sealed
content) and `docx` (its Word rendering)."""
