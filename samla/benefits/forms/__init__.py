"""Forms of the benefit pages: the register (``register``), indicators, intermediate targets,
measurements and the measurement import (``indicators``), benefit maps (``maps``). They check
what the user typed and offer only what belongs to the collaboration; the services in
``samla.benefits.services`` check the rest and write."""
