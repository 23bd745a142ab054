-- CreateTable
CREATE TABLE "LocalHolidayAdjustment" (
    "procuratorate" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "restDays" JSONB NOT NULL,
    "workdays" JSONB NOT NULL,
    "reason" TEXT,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LocalHolidayAdjustment_pkey" PRIMARY KEY ("procuratorate","year")
);

