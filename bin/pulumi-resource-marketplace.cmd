@echo off
rem The native provider plugin `marketplace` (docs/design.md section 4), for Windows.
node "%~dp0..\dist\provider\plugin\main.js" %*
