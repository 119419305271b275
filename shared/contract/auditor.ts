/**
 * The auditor part of the contract (see ../contract.ts for the rules every
 * command and event follows). Commands are `auditor/verb`.
 */
export const auditorCommands = {} as const;

export const auditorEvents = {} as const;
