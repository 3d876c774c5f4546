#!/usr/bin/env python3
"""Reference numbers for tests/test_ratings.cpp: a Bradley-Terry fit and online Elo computed
independently of llmbench's C++ code, on a fixed battle list.

Plain python3, no packages. The Bradley-Terry fit uses Hunter's (2004) MM algorithm (a
different method from the C++ Newton solver), iterated to full double precision; ties count
half a win for each side. Ratings are 1000 + 400*log10(strength / geometric mean), so their
mean is 1000. Online Elo follows LMSYS's compute_online_elo (K=4, base 1000, scale 400).

Usage: python3 tests/tools/bt_reference.py   (prints the constants the test holds)
"""
import math

MODELS = ["m0", "m1", "m2", "m3", "m4"]
# (a, b, a_wins, ties, b_wins): the fixed battle list, expanded below in this order.
PAIRS = [
    (0, 1, 31, 7, 22), (0, 2, 40, 5, 15), (0, 3, 12, 3, 9), (0, 4, 25, 10, 25),
    (1, 2, 18, 6, 16), (1, 3, 30, 2, 11), (1, 4, 9, 4, 17), (2, 3, 14, 8, 14),
    (2, 4, 6, 3, 21), (3, 4, 5, 1, 19),
]


def battles():
    """Each pair's battles interleaved: a win, a tie, a loss, ... until each kind runs out."""
    out = []
    for a, b, wa, t, wb in PAIRS:
        left = {"a": wa, "tie": t, "b": wb}
        while any(left.values()):
            for kind in ("a", "tie", "b"):
                if left[kind]:
                    left[kind] -= 1
                    out.append((a, b, kind))
    return out


def bradley_terry(n, battle_list):
    wins = [[0.0] * n for _ in range(n)]
    for a, b, kind in battle_list:
        if kind == "a":
            wins[a][b] += 1
        elif kind == "b":
            wins[b][a] += 1
        else:
            wins[a][b] += 0.5
            wins[b][a] += 0.5
    p = [1.0] * n
    for _ in range(200000):
        new = []
        for i in range(n):
            w_i = sum(wins[i][j] for j in range(n) if j != i)
            denom = sum((wins[i][j] + wins[j][i]) / (p[i] + p[j]) for j in range(n) if j != i)
            new.append(w_i / denom)
        g = math.exp(sum(math.log(x) for x in new) / n)
        new = [x / g for x in new]
        change = max(abs(math.log(x) - math.log(y)) for x, y in zip(new, p))
        p = new
        if change < 1e-15:
            break
    return [1000 + 400 * math.log10(x) for x in p]


def online_elo(n, battle_list, k=4.0):
    r = [1000.0] * n
    for a, b, kind in battle_list:
        ea = 1 / (1 + 10 ** ((r[b] - r[a]) / 400))
        sa = 1.0 if kind == "a" else 0.0 if kind == "b" else 0.5
        r[a] += k * (sa - ea)
        r[b] += k * ((1 - sa) - (1 - ea))
    return r


if __name__ == "__main__":
    bl = battles()
    print("battles:", len(bl))
    print("bradley_terry:", ", ".join("%.10f" % x for x in bradley_terry(len(MODELS), bl)))
    print("online_elo:   ", ", ".join("%.10f" % x for x in online_elo(len(MODELS), bl)))
