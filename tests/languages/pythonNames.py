"""Checks a Python Pulumi program against the generated pulumi_marketplace SDK, by reading source.

Usage: python3 pythonNames.py <sdk package dir> <program.py>

No Python `pulumi` package is installed where this repository is tested, so the SDK cannot be
imported; its classes are read instead. For each `<alias>.<Class>(...)` the program calls (alias
of `import pulumi_marketplace as <alias>`), every keyword argument must be a parameter of one of
the class's `__init__` overloads, and every attribute the program reads from the variable it
assigned must be one of the class's properties. Prints one `checked` line per call; exits 1 with
one line per name the SDK does not have. Used by examples.test.ts.
"""

import ast
import pathlib
import sys


def is_property(decorator):
    """`@property`, or `@_builtins.property` as the generator writes it (a class may shadow the name)."""
    if isinstance(decorator, ast.Name):
        return decorator.id == "property"
    return isinstance(decorator, ast.Attribute) and decorator.attr == "property"


def sdk_classes(package_dir):
    """Class name -> (parameters of its __init__ overloads, names of its properties)."""
    classes = {}
    for source in sorted(pathlib.Path(package_dir).rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            params, props = classes.setdefault(node.name, (set(), set()))
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                if item.name == "__init__":
                    params.update(a.arg for a in item.args.args + item.args.kwonlyargs)
                if any(is_property(d) for d in item.decorator_list):
                    props.add(item.name)
    return classes


def main(package_dir, program_path):
    package = pathlib.Path(package_dir).name
    classes = sdk_classes(package_dir)
    if not classes:
        print(f"no classes found under {package_dir}")
        return 1
    program = ast.parse(pathlib.Path(program_path).read_text(encoding="utf-8"))
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(program)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == package
    }
    if not aliases:
        print(f"{program_path} does not import {package}")
        return 1

    problems = []
    variables = {}  # variable name -> class name
    calls = []
    for node in ast.walk(program):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                if call.func.value.id in aliases:
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            variables[target.id] = call.func.attr
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in aliases
        ):
            calls.append(node)

    reads = {}  # class name -> attributes read
    for node in ast.walk(program):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in variables:
            reads.setdefault(variables[node.value.id], []).append(node.attr)

    for call in calls:
        name = call.func.attr
        if name not in classes:
            problems.append(f"{package} has no class {name}")
            continue
        params, props = classes[name]
        arguments = [k.arg for k in call.keywords if k.arg is not None]
        for argument in arguments:
            if argument not in params:
                problems.append(f"{name}() has no argument {argument}; it has {sorted(params)}")
        outputs = reads.get(name, [])
        for output in outputs:
            if output not in props:
                problems.append(f"{name} has no output {output}; it has {sorted(props)}")
        print(f"checked {sorted(aliases)[0]}.{name}: {len(arguments)} arguments, {len(outputs)} outputs")

    if not calls:
        problems.append(f"{program_path} calls nothing of {package}")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
