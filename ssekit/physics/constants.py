"""Physical constants and conventions used across ssekit (CODATA 2018).

Examples
--------
>>> round(K_B_EV * 298.15, 5)  # kT at room temperature, eV
0.02569
"""

__all__ = ["K_B_EV", "ROOM_T_C", "CELSIUS_TO_KELVIN", "FARADAY", "AVOGADRO", "C_PER_MAH"]

#: Boltzmann constant in eV/K (CODATA 2018).
K_B_EV = 8.617333262e-5
#: Room temperature assumed when a measurement gives none, degC.
ROOM_T_C = 25.0
#: Offset from degrees Celsius to kelvin.
CELSIUS_TO_KELVIN = 273.15
#: Faraday constant in C/mol (CODATA 2018, exact).
FARADAY = 96485.33212
#: Avogadro constant in 1/mol (CODATA 2018, exact).
AVOGADRO = 6.02214076e23
#: Coulombs per milliampere-hour.
C_PER_MAH = 3.6
