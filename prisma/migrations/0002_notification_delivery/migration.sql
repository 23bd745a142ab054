-- CreateTable
CREATE TABLE "Delivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "notificationId" INTEGER NOT NULL,
    "channelId" INTEGER NOT NULL,
    "channelKind" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "scheduledFor" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "lastError" TEXT,
    CONSTRAINT "Delivery_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deliveryId" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "DeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "procuratorate" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ContactChannel" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "secret" TEXT,
    CONSTRAINT "ContactChannel_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReminderPolicySetting" (
    "procuratorate" TEXT NOT NULL PRIMARY KEY,
    "policy" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "recommendationId" TEXT,
    "reminderKey" TEXT,
    "recipient" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT 'handler',
    "type" TEXT NOT NULL,
    "deadlineKind" TEXT,
    "dueDate" TEXT,
    "title" TEXT NOT NULL DEFAULT '',
    "message" TEXT NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "readAt" DATETIME,
    CONSTRAINT "Notification_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Notification" ("deadlineKind", "dueDate", "id", "key", "message", "raisedAt", "readAt", "recipient", "recommendationId", "type") SELECT "deadlineKind", "dueDate", "id", "key", "message", "raisedAt", "readAt", "recipient", "recommendationId", "type" FROM "Notification";
DROP TABLE "Notification";
ALTER TABLE "new_Notification" RENAME TO "Notification";
CREATE UNIQUE INDEX "Notification_key_key" ON "Notification"("key");
CREATE INDEX "Notification_recipient_readAt_idx" ON "Notification"("recipient", "readAt");
CREATE INDEX "Notification_recommendationId_idx" ON "Notification"("recommendationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_key_key" ON "Delivery"("key");

-- CreateIndex
CREATE INDEX "Delivery_status_idx" ON "Delivery"("status");

-- CreateIndex
CREATE INDEX "Delivery_notificationId_idx" ON "Delivery"("notificationId");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryAttempt_deliveryId_attempt_key" ON "DeliveryAttempt"("deliveryId", "attempt");

-- CreateIndex
CREATE INDEX "Person_procuratorate_department_role_idx" ON "Person"("procuratorate", "department", "role");

-- CreateIndex
CREATE INDEX "ContactChannel_personId_idx" ON "ContactChannel"("personId");

