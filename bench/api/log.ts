// Progress lines on stderr (stdout's last line is the result).
export const log = (message: string) => process.stderr.write(`[bench:api] ${message}\n`);
