/**
 * The devices part of the contract (see ../contract.ts for the rules every
 * command and event follows). Commands are `devices/verb`.
 */
export const devicesCommands = {} as const;

export const devicesEvents = {} as const;
