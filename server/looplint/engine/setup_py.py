"""What a setup.py passes to `setup(...)`, read with `ast` and never run.

Real setup.py files rarely pass literals straight to `setup()`: they build lists in module-level
names, add them up, put them in a dict and call `setup(**kwargs)`. This follows exactly that much,
in the order the module runs: names bound to strings, lists, tuples and dicts of such values (and
`+` of them), `d["key"] = value`, `name.append(x)`, `name.extend(xs)`, `name += xs`. Anything
else (a call, a loop, a def) makes the names it may change unknown, but for what a condition may
add to a list or remove from it (the union is kept); an unknown element of a list is left out of it.
"""

from __future__ import annotations

import ast

UNKNOWN = object()
_MAX_STATEMENTS = 2_000  # a generated setup.py of thousands of statements is not followed


def setup_keywords(tree: ast.Module) -> dict[str, tuple[object, int]]:
    """keyword -> (value, line) of the first `setup(...)` call; values as Python objects, with
    UNKNOWN where something is not a literal."""
    env: dict[str, object] = {}
    call = None
    for statement in tree.body[:_MAX_STATEMENTS]:
        found = _setup_call(statement)
        if found is not None:
            call = found
            break
        _execute(statement, env)
    if call is None:
        return {}
    keywords: dict[str, tuple[object, int]] = {}
    for keyword in call.keywords:
        if keyword.arg is not None:
            keywords[keyword.arg] = (_value(keyword.value, env), keyword.value.lineno)
            continue
        spread = _value(keyword.value, env)  # setup(**kwargs)
        if isinstance(spread, dict):
            for key, value in spread.items():
                if isinstance(key, str):
                    keywords.setdefault(key, (value, keyword.value.lineno))
    return keywords


def _setup_call(statement: ast.stmt) -> ast.Call | None:
    """The `setup(...)` call a top-level statement makes (also under `if __name__ == "__main__":`)."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "setup":
                return node
    return None


def _execute(statement: ast.stmt, env: dict[str, object]) -> None:
    if isinstance(statement, ast.Assign):
        value = _value(statement.value, env)
        for target in statement.targets:
            _assign(target, value, env)
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        _assign(statement.target, _value(statement.value, env), env)
    elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        current = env.get(statement.target.id, UNKNOWN)
        added = _value(statement.value, env)
        env[statement.target.id] = _add(current, added) if isinstance(statement.op, ast.Add) else UNKNOWN
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        _mutate(statement.value, env)
    else:
        # A condition, a loop, a def, a with: whatever it binds or changes is unknown from here on,
        # except that a list it may add to holds the additions too, and one it may remove from is
        # kept whole (requirements are the union of what any run could declare).
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                env[node.id] = UNKNOWN
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                if not isinstance(receiver, ast.Name):
                    continue
                if node.func.attr in ("append", "extend"):
                    _mutate(node, env)
                elif node.func.attr not in ("remove", "discard"):
                    env[receiver.id] = UNKNOWN
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
                env[node.value.id] = UNKNOWN


def _assign(target: ast.expr, value: object, env: dict[str, object]) -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        container = env.get(target.value.id)
        key = _value(target.slice, env)
        if isinstance(container, dict) and isinstance(key, str):
            container[key] = value
        else:
            env[target.value.id] = UNKNOWN


def _mutate(call: ast.Call, env: dict[str, object]) -> None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return
    name = func.value.id
    current = env.get(name)
    if not isinstance(current, list) or call.keywords:
        if name in env:
            env[name] = UNKNOWN
        return
    args = [_value(arg, env) for arg in call.args]
    if func.attr == "append" and len(args) == 1:
        current.append(args[0])
    elif func.attr == "extend" and len(args) == 1 and isinstance(args[0], (list, tuple)):
        current.extend(args[0])
    else:
        env[name] = UNKNOWN


def _value(node: ast.expr, env: dict[str, object]) -> object:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, bool)):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items: list[object] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                inner = _value(element.value, env)
                items.extend(inner if isinstance(inner, (list, tuple)) else [UNKNOWN])
            else:
                items.append(_value(element, env))
        return items
    if isinstance(node, ast.Dict):
        result: dict[object, object] = {}
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other}
                inner = _value(value, env)
                if isinstance(inner, dict):
                    result.update(inner)
                continue
            result[_value(key, env)] = _value(value, env)
        return result
    if isinstance(node, ast.Name):
        value = env.get(node.id, UNKNOWN)
        return list(value) if isinstance(value, list) else (dict(value) if isinstance(value, dict) else value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _add(_value(node.left, env), _value(node.right, env))
    return UNKNOWN


def _add(left: object, right: object) -> object:
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return [*left, *right]
    return UNKNOWN
