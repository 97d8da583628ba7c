-- a script with an error in the middle
SELECT 'before' AS step;
SELEC 'broken';
SELECT 'after' AS step;
