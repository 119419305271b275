/**
 * The ceremony part of the contract (see ../contract.ts for the rules every
 * command and event follows). Commands are `ceremony/verb`.
 */
export const ceremonyCommands = {} as const;

export const ceremonyEvents = {} as const;
