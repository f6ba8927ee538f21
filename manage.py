#!/usr/bin/env python
from samla.cli import main

if __name__ == "__main__":
    main()
