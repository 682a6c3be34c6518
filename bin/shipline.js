#!/usr/bin/env node
// The `shipline` command: built from src/cli/main.ts by `npm run build:app`.
import "../lib/cli/main.js";
