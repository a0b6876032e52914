"""The wheel's packages: the builder's own, and the default theme (see pyproject.toml).

The theme lives at the top of the repository (`templates/`, `assets/`), beside `builder/` and
`content/`; pyproject.toml maps it into the package as `builder/theme/templates/` and
`builder/theme/assets/`, where `builder.load.load` finds it in an installed wheel. The list of
packages is made here because it joins the ones found under `builder/` to those two.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["builder", "builder.*"]),
        "builder.theme.templates",
        "builder.theme.assets",
    ]
)
