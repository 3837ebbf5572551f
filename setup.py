"""Package discovery for the one ``reflexion`` package (metadata, dependencies: pyproject.toml).

The design card keeps the loop's parts at the top of the repository (``graphs/``, ``nodes/``,
``prompts/``, ``domains/``) while they install as ``reflexion.graphs`` etc. setuptools' own
``packages.find`` cannot map several folders into one package, so the package list is found here:
every package under ``reflexion/`` and under each mapped folder, so a new domain folder ships
without editing any list.
"""

from setuptools import find_namespace_packages, find_packages, setup

MAPPED = {"reflexion.graphs": "graphs", "reflexion.nodes": "nodes", "reflexion.prompts": "prompts", "reflexion.domains": "domains"}

packages = find_packages(include=["reflexion", "reflexion.*"])
for package, folder in MAPPED.items():
    # Prompt folders hold only text files: they ship as data packages (namespace packages).
    found = find_namespace_packages(folder, exclude=["__pycache__*"]) if folder == "prompts" else find_packages(folder)
    packages += [package, *(f"{package}.{sub}" for sub in found)]

setup(packages=packages, package_dir={"reflexion": "reflexion", **MAPPED})
