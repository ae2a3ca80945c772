import asyncio
type Alias = list[int]
type Pair[T: int = str, *Ts, **P] = tuple[T, T]
lazy import json
lazy from os import path

def first[T](items: list[T]) -> T:
    return items[0]

class Box[T](Base, metaclass=Meta):
    async def get(self) -> T:
        return await asyncio.sleep(0, f"{self.x["key"]!r:>{width}} and {'a' + "b"}")

def g():
    try:
        asyncio.run(main())
    except ValueError, TypeError:
        pass
    try:
        pass
    except* OSError:
        pass
    try:
        pass
    except (A, B) as e: pass
    except A, B: print(f"{x=}", t"hello {name}")
    msg = f"{
        value  # a comment
    }" "tail"
    nested = f"{f"{f"{deep}"}"}"
    items = [*row for row in rows]
    gen = (*row for row in rows)
    s = {*row for row in rows}
    print(f"{'\n'.join(lines)}", F"{x:{y}.{z}}", rf"\d{x}")
    tmpl = t"{a}" t"{b}"
    return f"plain {value:>10}"

def variadic(*args: *Ts) -> tuple[*Ts, int]:
    return x[*idx, 0]
