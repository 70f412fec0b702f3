"""Hostile f(x) text: code injection and denial of service, shared by tests and bench/.

HOSTILE: every entry must be refused by the parser (tests/test_expr_hostile.py), and through
the budget's worker as well (tests/test_symbolic.py). SLOW_SYMPY: text the parser
accepts on which SymPy itself is slow (exact zeros it tries to decide); the budget must
answer it in time, done or refused (bench/budget.py prints the worst time).
"""

from gd_core.expr import MAX_LENGTH

HOSTILE = [
    "__import__('os').system('touch /tmp/PWNED_gd_expr')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "exec('import os')",
    "eval('1')",
    "compile('1', '', 'eval')",
    "globals()",
    "__builtins__",
    "lambda: 1",
    "x.__class__",
    "x.__init__.__globals__",
    "sin(x).__class__",
    "x.evalf(10**9)",
    "[x for x in ()]",
    "(x for x in ())",
    "{x: 1}",
    "{x}",
    "getattr(x, 'y')",
    "sympify('x')",
    "Symbol('y')",
    "S('x')",
    "x if 1 else 2",
    "x and 1",
    "not x",
    "f'{x}'",
    "x[0]",
    "sin(x=1)",
    "sin(*x)",
    "sin(**{})",
    "*x",
    "(y:=1)",
    "x @ x",
    "print(x)",
    "10**10**10",
    "9**9**9",
    "2**30**5",
    "((9**9)**9)**9",
    "2**-10**10*x",
    "x**(10**10)",
    "x**10**10",
    "(x**100)**100",
    "(2*x**50)**100",
    "x*10**99*10**99",
    "x/10**99/10**99",
    "(10**99 + 7)**(1/3)*x",
    "sqrt(10**99)*x",
    "(10**7)**(1/3)*x",
    "exp(exp(exp(100)))*x",
    "cosh(10**6)*x",
    "sin(x)**(9**9)",
    "factorial(10**7)",
    "gamma(x)",
    "binomial(x, 2)",
    "Min(x, 1)",
    "Piecewise((x, x > 0))",
    "prime(10**6)",
    "isprime(x)",
    "sum(range(10**9))",
    "1e309",
    "1e309*x",
    "1j*x",
    "(-8)**(1/3)*x",
    # SymPy proves these constants zero with minimal polynomials: seconds or minutes of CPU.
    "x*abs(sqrt(5+2*sqrt(6))-sqrt(2)-sqrt(3)+sqrt(7+2*sqrt(10))-sqrt(2)-sqrt(5))",
    "x*abs(((sqrt(5)+2)**(1/3)-(sqrt(5)-2)**(1/3))*((10+sqrt(108))**(1/3)"
    "-(sqrt(108)-10)**(1/3))*(sqrt(5+2*sqrt(6))-sqrt(3))-2*sqrt(2))",
    "x*abs((2**(1/5)+3**(1/5))**5-5-5*48**(1/5)-10*72**(1/5)-10*108**(1/5)-5*162**(1/5))",
    "x*abs((6+2*sqrt(2)+2*sqrt(3)+2*((sqrt(6)+10**15)-10**15))**49"
    "*(1+sqrt(2)+sqrt(3))-(1+sqrt(2)+sqrt(3))**99)",
    "exp(x + sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)))",
    "True",
    "None",
    "...",
    "'x'*10**6",
    "x\n__import__('os')",
    "\x00x",
    "x" * 100_000,
    "(" * 5000 + "x" + ")" * 5000,
    "-" * 100_000 + "x",
    "x+" * 50_000 + "x",
    "1" * 100_000,
    " " * 100_000,
    "-" * (MAX_LENGTH - 1) + "x",
    "(" * 99 + "x" + ")" * 100,
    "sin(" * 30 + "x" + ")" * 30,
    "x" + "**x" * 60,
]


# The trust issue's example (107 characters, 56 s in-process before x-free constants became
# floats) and one level deeper (> 2 min then); and a slow path that remains: SymPy's
# assumptions while differentiating nested roots (0.4 to 3 s of CPU on the test machine).
SLOW_SYMPY = [
    "x*abs(tan(1)*cos(1)-sin(1)+abs(tan(2)*cos(2)-sin(2)+abs(tan(3)*cos(3)-sin(3)"
    "+abs(tan(4)*cos(4)-sin(4)+0))))",
    "x*abs(tan(1)*cos(1)-sin(1)+abs(tan(2)*cos(2)-sin(2)+abs(tan(3)*cos(3)-sin(3)"
    "+abs(tan(4)*cos(4)-sin(4)+abs(tan(5)*cos(5)-sin(5)+0)))))",
    "sqrt(x**2+" * 9 + "1" + ")" * 9,
]
# With these settings the nested roots also walk 10,000 steps of a 313-node f′: about a
# second of CPU at least, past a budget of 0.5 s anywhere (tests/test_e2e_symbolic.py).
HEAVY_RUN = dict(f=SLOW_SYMPY[-1], x0=1.0, alpha=1e-4, precision=1e-12, max_iter=10_000)


def burn() -> None:
    """A job that runs until the budget stops it: the worst case of an over-budget f(x)."""
    while True:
        pass
